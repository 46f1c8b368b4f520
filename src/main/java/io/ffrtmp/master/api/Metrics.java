package io.ffrtmp.master.api;

import io.ffrtmp.job.JobState;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A small Prometheus text exposition: jobs by state (from the store) and API answers by status
 * class.
 */
final class Metrics {

  private static final String JOBS_BY_STATE =
      "SELECT state, count(*) AS n FROM jobs GROUP BY state";

  private Metrics() {}

  static Future<String> render(Pool pool, AtomicLongArray responses) {
    return pool.query(JOBS_BY_STATE)
        .execute()
        .map(
            rows -> {
              long[] counts = new long[JobState.values().length];
              rows.forEach(
                  r -> counts[JobState.of(r.getString("state")).ordinal()] = r.getLong("n"));
              StringBuilder sb = new StringBuilder();
              sb.append(
                  "# HELP ffrtmp_jobs Jobs in the store by state.\n# TYPE ffrtmp_jobs gauge\n");
              for (JobState s : JobState.values()) {
                sb.append("ffrtmp_jobs{state=\"")
                    .append(s.id())
                    .append("\"} ")
                    .append(counts[s.ordinal()])
                    .append('\n');
              }
              sb.append(
                  "# HELP ffrtmp_api_responses_total API answers by status class.\n"
                      + "# TYPE ffrtmp_api_responses_total counter\n");
              for (int c = 1; c <= 5; c++) {
                sb.append("ffrtmp_api_responses_total{class=\"")
                    .append(c)
                    .append("xx\"} ")
                    .append(responses.get(c))
                    .append('\n');
              }
              sb.append(
                      "# HELP ffrtmp_api_rate_limited_total Requests answered 429.\n"
                          + "# TYPE ffrtmp_api_rate_limited_total counter\n")
                  .append("ffrtmp_api_rate_limited_total ")
                  .append(responses.get(0))
                  .append('\n');
              return sb.toString();
            });
  }
}
