package io.ffrtmp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The campaigns found by name are the files of conf/campaigns, packed into the jar. */
class ShippedCampaignsTest {

  @Test
  void everyNamedCampaignOpensAsItsFile() throws Exception {
    assertThat(ShippedCampaigns.NAMES).contains("quick", "target-psnr");
    for (String name : ShippedCampaigns.NAMES) {
      Path file = Path.of("conf/campaigns", name + ".json");
      try (InputStream in = ShippedCampaigns.open(name)) {
        assertThat(in).as(name + " packed into the jar's resources").isNotNull();
        assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(file));
      }
    }
    assertThat(ShippedCampaigns.open("no-such-campaign")).isNull();
  }
}
