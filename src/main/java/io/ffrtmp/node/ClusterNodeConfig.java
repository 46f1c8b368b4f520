package io.ffrtmp.node;

import io.ffrtmp.cluster.ClusterOptions;
import io.ffrtmp.job.Campaign;
import io.ffrtmp.job.DispatchSettings;
import java.util.Map;

/**
 * What a clustered node ({@code --role master|worker}) needs beyond a standalone node's settings:
 * how it joins the cluster, the dispatch timing rules (masters enforce them, workers send
 * heartbeats by them) and its labels. {@code maxCampaignJobs}: a master's limit on the jobs of one
 * campaign submitted over the event bus. {@code metrics}: where a worker serves {@code /metrics}
 * (masters serve it on the API server).
 */
public record ClusterNodeConfig(
    NodeConfig node,
    ClusterOptions cluster,
    DispatchSettings dispatch,
    Map<String, String> labels,
    int maxCampaignJobs,
    MetricsEndpoint metrics) {

  public ClusterNodeConfig {
    labels = Map.copyOf(labels);
  }

  public ClusterNodeConfig(
      NodeConfig node,
      ClusterOptions cluster,
      DispatchSettings dispatch,
      Map<String, String> labels) {
    this(node, cluster, dispatch, labels, Campaign.MAX_JOBS, MetricsEndpoint.OFF);
  }

  public ClusterNodeConfig withMaxCampaignJobs(int max) {
    return new ClusterNodeConfig(node, cluster, dispatch, labels, max, metrics);
  }

  public ClusterNodeConfig withMetrics(MetricsEndpoint endpoint) {
    return new ClusterNodeConfig(node, cluster, dispatch, labels, maxCampaignJobs, endpoint);
  }
}
