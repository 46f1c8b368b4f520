package io.ffrtmp.node;

import io.ffrtmp.cluster.ClusterOptions;
import io.ffrtmp.job.Campaign;
import io.ffrtmp.job.DispatchSettings;
import java.util.Map;

/**
 * What a clustered node ({@code --role master|worker}) needs beyond a standalone node's settings:
 * how it joins the cluster, the dispatch timing rules (masters enforce them, workers send
 * heartbeats by them) and its labels. {@code maxCampaignJobs}: a master's limit on the jobs of one
 * campaign submitted over the event bus.
 */
public record ClusterNodeConfig(
    NodeConfig node,
    ClusterOptions cluster,
    DispatchSettings dispatch,
    Map<String, String> labels,
    int maxCampaignJobs) {

  public ClusterNodeConfig {
    labels = Map.copyOf(labels);
  }

  public ClusterNodeConfig(
      NodeConfig node,
      ClusterOptions cluster,
      DispatchSettings dispatch,
      Map<String, String> labels) {
    this(node, cluster, dispatch, labels, Campaign.MAX_JOBS);
  }

  public ClusterNodeConfig withMaxCampaignJobs(int max) {
    return new ClusterNodeConfig(node, cluster, dispatch, labels, max);
  }
}
