package io.ffrtmp.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ffrtmp.job.SpecException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class CostModelTest {

  @Test
  void joulesBecomeFacilityKwhMoneyAndCarbon() {
    CostModel m =
        CostModel.of(
            new JsonObject()
                .put("price_per_kwh", 0.2)
                .put("currency", "EUR")
                .put("carbon_g_per_kwh", 400)
                .put("pue", 1.5),
            "cost");
    CostModel.Figures f = m.of(3_600_000);
    assertThat(f.kwh()).isCloseTo(1.5, within(1e-12));
    assertThat(f.cost()).isCloseTo(0.3, within(1e-12));
    assertThat(f.co2eGrams()).isCloseTo(600, within(1e-9));
    assertThat(m.basis()).isEqualTo("campaign");
  }

  @Test
  void theDefaultsAreDocumentedFigures() {
    CostModel d = CostModel.of(null, "cost");
    assertThat(d).isEqualTo(CostModel.DEFAULTS);
    assertThat(d.pricePerKwh()).isEqualTo(0.13);
    assertThat(d.currency()).isEqualTo("USD");
    assertThat(d.carbonGPerKwh()).isEqualTo(480);
    assertThat(d.pue()).isEqualTo(1.0);
  }

  @Test
  void aNodeInheritsWhatItDoesNotSet() {
    CostModel m =
        CostModel.of(
            new JsonObject()
                .put("price_per_kwh", 0.3)
                .put("carbon_g_per_kwh", 300)
                .put(
                    "nodes",
                    new JsonObject().put("hydro-1", new JsonObject().put("carbon_g_per_kwh", 20))),
            "cost");
    assertThat(m.forNode("hydro-1").carbonGPerKwh()).isEqualTo(20);
    assertThat(m.forNode("hydro-1").pricePerKwh()).isEqualTo(0.3);
    assertThat(m.forNode("other").carbonGPerKwh()).isEqualTo(300);
    assertThat(
            m.toJson()
                .getJsonObject("nodes")
                .getJsonObject("hydro-1")
                .getDouble("carbon_g_per_kwh"))
        .isEqualTo(20);
  }

  @Test
  void perJobAndPerHourOfContentPriceEachRunAtItsNode() {
    CostModel m =
        CostModel.of(
            new JsonObject()
                .put("price_per_kwh", 1.0)
                .put("carbon_g_per_kwh", 100)
                .put(
                    "nodes", new JsonObject().put("b", new JsonObject().put("price_per_kwh", 2.0))),
            "cost");
    JsonObject a =
        new JsonObject()
            .put("node_id", "a")
            .put("duration_s", 10.0)
            .put("energy", new JsonObject().put("total_joules", 36_000.0));
    JsonObject b =
        new JsonObject()
            .put("node_id", "b")
            .put("duration_s", 30.0)
            .put("energy", new JsonObject().put("total_joules", 72_000.0));
    JsonObject s = m.summarise(List.of(a, b), false, false);
    // a: 0.01 kWh → 0.01; b: 0.02 kWh → 0.04. Mean per job 0.025; 0.05 over 40 s of content.
    assertThat(s.getJsonObject("per_job").getDouble("cost")).isCloseTo(0.025, within(1e-12));
    assertThat(s.getJsonObject("per_job").getDouble("kwh")).isCloseTo(0.015, within(1e-12));
    assertThat(s.getJsonObject("per_content_hour").getDouble("cost"))
        .isCloseTo(0.05 * 3600 / 40, within(1e-9));
    assertThat(s.getJsonObject("per_content_hour").getDouble("co2e_g"))
        .isCloseTo(0.03 * 100 * 3600 / 40, within(1e-9));
    assertThat(s.getString("content_hour")).isEqualTo("hour of content");
    assertThat(m.summarise(List.of(a), true, true).getString("content_hour"))
        .isEqualTo("channel-hour");
    assertThat(m.summarise(List.of(new JsonObject()), false, false)).isNull();
  }

  @Test
  void theCommandLineOverridesTheCampaign() {
    CostModel m =
        CostModel.of(new JsonObject().put("price_per_kwh", 0.3), "cost")
            .with(null, "EUR", 50.0, null);
    assertThat(m.pricePerKwh()).isEqualTo(0.3);
    assertThat(m.currency()).isEqualTo("EUR");
    assertThat(m.carbonGPerKwh()).isEqualTo(50);
    assertThat(m.basis()).isEqualTo("command line");
  }

  @Test
  void badFiguresAreRefusedNamingTheField() {
    assertThatThrownBy(() -> CostModel.of(new JsonObject().put("pue", 0.9), "cost"))
        .isInstanceOf(SpecException.class)
        .hasFieldOrPropertyWithValue("field", "cost.pue")
        .hasMessageContaining("1.0 to 3.0");
    assertThatThrownBy(() -> CostModel.of(new JsonObject().put("currency", "eur"), "cost"))
        .hasFieldOrPropertyWithValue("field", "cost.currency");
    assertThatThrownBy(() -> CostModel.of(new JsonObject().put("price_per_kwh", -1), "cost"))
        .hasFieldOrPropertyWithValue("field", "cost.price_per_kwh");
    assertThatThrownBy(() -> CostModel.of(new JsonObject().put("watts", 1), "cost"))
        .hasFieldOrPropertyWithValue("field", "cost.watts");
    assertThatThrownBy(
            () ->
                CostModel.of(
                    new JsonObject()
                        .put(
                            "nodes",
                            new JsonObject().put("a", new JsonObject().put("currency", "EUR"))),
                    "cost"))
        .hasFieldOrPropertyWithValue("field", "cost.nodes.a.currency")
        .hasMessageContaining("the currency is the campaign's");
    assertThatThrownBy(() -> CostModel.DEFAULTS.with(null, null, null, 5.0))
        .hasFieldOrPropertyWithValue("field", "pue");
  }
}
