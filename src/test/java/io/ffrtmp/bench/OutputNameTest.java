package io.ffrtmp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutputNameTest {

  @Test
  void aCampaignNameNeverSteersWhereResultsGo() {
    assertThat(BenchCommand.safeName("quick")).isEqualTo("quick");
    assertThat(BenchCommand.safeName("../../etc/passwd")).isEqualTo("etc-passwd");
    assertThat(BenchCommand.safeName("a b;c$(x)")).isEqualTo("a-b-c--x-");
    assertThat(BenchCommand.safeName("..")).isEqualTo("campaign");
    assertThat(BenchCommand.safeName("x".repeat(200))).hasSize(80);
  }
}
