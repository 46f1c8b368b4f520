package io.ffrtmp.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.cluster.NodeState;
import io.ffrtmp.master.store.NodeStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Service discovery's answer: which nodes are targets and how their labels are named. */
class MetricsTargetsTest {

  @Test
  void upAndDrainingNodesWithAnEndpointAreListedAfterTheMasterWithTheirLabels() {
    List<NodeStore.Target> nodes =
        List.of(
            new NodeStore.Target(
                "w-1", NodeState.UP, new JsonObject().put("gpu.model/x", "a100"), "10.0.0.5:9464"),
            new NodeStore.Target("w-2", NodeState.DRAINING, new JsonObject(), "[fd00::2]:9464"),
            new NodeStore.Target("w-3", NodeState.LOST, new JsonObject(), "10.0.0.7:9464"),
            new NodeStore.Target("w-4", NodeState.UP, new JsonObject(), null));
    JsonArray groups =
        MetricsTargets.groups(
            nodes, new MetricsAccess("m-1", "master", null), "api.example:8443", true);
    assertThat(groups).hasSize(3);
    JsonObject self = groups.getJsonObject(0);
    assertThat(self.getJsonArray("targets").getList()).containsExactly("api.example:8443");
    assertThat(self.getJsonObject("labels").getMap())
        .containsEntry("node", "m-1")
        .containsEntry("role", "master")
        .containsEntry("__scheme__", "https");
    JsonObject w1 = groups.getJsonObject(1);
    assertThat(w1.getJsonArray("targets").getList()).containsExactly("10.0.0.5:9464");
    assertThat(w1.getJsonObject("labels").getMap())
        .containsEntry("node", "w-1")
        .containsEntry("role", "worker")
        .containsEntry("__scheme__", "http")
        .containsEntry("__metrics_path__", "/metrics")
        .containsEntry("label_gpu_model_x", "a100");
    assertThat(groups.getJsonObject(2).getJsonArray("targets").getList())
        .containsExactly("[fd00::2]:9464");
  }

  @Test
  void aStandaloneNodeIsListedOnceAsItself() {
    JsonArray groups =
        MetricsTargets.groups(
            List.of(new NodeStore.Target("s-1", NodeState.UP, new JsonObject(), "127.0.0.1:1")),
            new MetricsAccess("s-1", "standalone", null),
            "127.0.0.1:8443",
            false);
    assertThat(groups).hasSize(1);
    assertThat(groups.getJsonObject(0).getJsonObject("labels").getMap())
        .containsEntry("role", "standalone")
        .containsEntry("__scheme__", "http");
  }

  @Test
  void anIpv6HostIsBracketed() {
    assertThat(MetricsTargets.hostPort("::1", 8443)).isEqualTo("[::1]:8443");
    assertThat(MetricsTargets.hostPort("host", 1)).isEqualTo("host:1");
  }
}
