package io.ffrtmp.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcStatTest {

  @Test
  void busyIncludesIrqSoftirqStealButNotGuest() {
    // user nice system idle iowait irq softirq steal guest guest_nice
    String text =
        "cpu  100 10 50 1000 20 5 6 7 300 40\ncpu0 1 1 1 1 1 1 1 1 1 1\ncpu1 1 1 1 1 1 1 1 1 1 1\n"
            + "intr 123\n";
    ProcStat stat = ProcStat.parse(text);
    assertThat(stat.busyJiffies()).isEqualTo(100 + 10 + 50 + 5 + 6 + 7);
    assertThat(stat.idleJiffies()).isEqualTo(1000 + 20);
    assertThat(stat.logicalCpus()).isEqualTo(2);
  }

  @Test
  void missingAggregateLineIsAnError() {
    assertThatThrownBy(() -> ProcStat.parse("cpu0 1 2 3 4\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
