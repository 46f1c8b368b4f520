package io.ffrtmp.node;

import io.ffrtmp.cluster.ClusterOptions;
import io.ffrtmp.job.DispatchSettings;
import java.util.Map;

/**
 * What a clustered node ({@code --role master|worker}) needs beyond a standalone node's settings: how it joins the
 * cluster, the dispatch timing rules (masters enforce them, workers send heartbeats by them) and its labels.
 */
public record ClusterNodeConfig(NodeConfig node, ClusterOptions cluster, DispatchSettings dispatch,
                                Map<String, String> labels) {

  public ClusterNodeConfig {
    labels = Map.copyOf(labels);
  }
}
