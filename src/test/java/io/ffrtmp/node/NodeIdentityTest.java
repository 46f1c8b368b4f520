package io.ffrtmp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {

  @TempDir Path dir;

  @Test
  void theIdIsStableAcrossRestartsAndOneProcessHoldsTheDirectory() throws Exception {
    String first;
    try (NodeIdentity id = NodeIdentity.acquire(dir)) {
      first = id.id();
      assertThat(first).matches("[A-Za-z0-9.-]+-[0-9a-f]{8}");
      assertThatThrownBy(() -> NodeIdentity.acquire(dir))
          .isInstanceOf(NodeIdentity.InUseException.class)
          .hasMessageContaining(first)
          .hasMessageContaining("--data-dir");
    }
    try (NodeIdentity again = NodeIdentity.acquire(dir)) {
      assertThat(again.id()).isEqualTo(first);
    }
  }
}
