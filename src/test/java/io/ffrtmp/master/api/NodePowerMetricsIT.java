package io.ffrtmp.master.api;

import io.ffrtmp.power.FakePowercap;
import io.ffrtmp.support.FedPowerCheck;
import io.ffrtmp.support.Scrape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone node measured from a fake powercap tree fed at known power, with wraps, read by its
 * always-on meter once a second and scraped from its API server's {@code /metrics}.
 */
class NodePowerMetricsIT {

  @TempDir Path dir;

  @Test
  void theScrapedEnergyIsTheFedEnergyAndAnUnreadableCounterIsDownNotZero() throws Exception {
    FakePowercap fake = FedPowerCheck.tree(dir.resolve("powercap"));
    try (ApiFixture api = ApiFixture.standalone(dir, fake.root(), 1000, c -> c, null)) {
      FedPowerCheck.run(fake, () -> new Scrape(api.get("/metrics", null).text()), dir);
    }
  }
}
