package io.ffrtmp.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ffrtmp.job.JobLease;
import io.ffrtmp.job.JobState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The worker protocol's bodies: what a worker sends is what a master reads back (field names as in
 * docs/event-bus.md), defaults apply to absent fields, and a malformed body is refused naming the
 * field.
 */
class BusBodiesTest {

  static final UUID INSTANCE = UUID.fromString("00000000-0000-0000-0000-0000000000aa");
  static final UUID JOB = UUID.fromString("00000000-0000-0000-0000-000000000001");
  static final JobLease.Fence FENCE = new JobLease.Fence(JOB, 7);

  private static BodyException refused(Function<JsonObject, ?> fromJson, String json) {
    try {
      fromJson.apply(
          new JsonObject(json.replace("%i", INSTANCE.toString()).replace("%j", JOB.toString())));
    } catch (BodyException e) {
      return e;
    }
    throw new AssertionError("accepted: " + json);
  }

  @Test
  void aRegistrationTravelsWithTheDocumentedFields() {
    NodeRegistration reg =
        new NodeRegistration(
            "node-a",
            INSTANCE,
            "host-a",
            new JsonObject().put("rack", "r1"),
            4,
            new JsonArray().add("libx264"),
            new JsonObject().put("provenance", "measured"),
            new JsonObject().put("cpu", "x"),
            "member-1",
            "host-a:9464");
    JsonObject json = reg.toJson();
    assertThat(json.fieldNames())
        .containsExactlyInAnyOrder(
            "node_id",
            "instance_id",
            "host",
            "labels",
            "slots",
            "encoders",
            "power",
            "hardware",
            "cluster_node",
            "metrics_address");
    assertThat(json.getString("instance_id")).isEqualTo(INSTANCE.toString());
    assertThat(NodeRegistration.fromJson(json)).isEqualTo(reg);
  }

  @ParameterizedTest
  @CsvSource({"host-a:9464", "10.0.0.7:1", "[::1]:9464"})
  void aMetricsAddressIsHostAndPort(String address) {
    assertThat(
            NodeRegistration.fromJson(
                    new JsonObject()
                        .put("node_id", "n")
                        .put("instance_id", INSTANCE.toString())
                        .put("metrics_address", address))
                .metricsAddress())
        .isEqualTo(address);
  }

  @ParameterizedTest
  @CsvSource({"host-a", "http://host-a:9464/metrics", "a b:1", "host:port"})
  void aMetricsAddressThatIsNotHostAndPortIsRefusedNamingTheField(String address) {
    BodyException e =
        refused(
            NodeRegistration::fromJson,
            new JsonObject()
                .put("node_id", "n")
                .put("instance_id", "%i")
                .put("metrics_address", address)
                .encode());
    assertThat(e.field()).isEqualTo("metrics_address");
  }

  @Test
  void aRegistrationWithOnlyItsIdsGetsOneSlotAndNothingElse() {
    NodeRegistration reg =
        NodeRegistration.fromJson(
            new JsonObject().put("node_id", "n").put("instance_id", INSTANCE.toString()));
    assertThat(reg.slots()).isEqualTo(1);
    assertThat(reg.labels()).isEqualTo(new JsonObject());
    assertThat(reg.encoders()).isEqualTo(new JsonArray());
    assertThat(reg.power()).isEqualTo(new JsonObject());
    assertThat(reg.hardware()).isEqualTo(new JsonObject());
    assertThat(reg.host()).isNull();
    assertThat(reg.clusterNode()).isNull();
  }

  @Test
  void aHeartbeatAndItsReplyRoundTrip() {
    Heartbeat hb =
        new Heartbeat(
            "node-a", INSTANCE, List.of(new Heartbeat.RunningJob(FENCE, 12)), 2, 41.5, "measured");
    JsonObject json = hb.toJson();
    assertThat(json.fieldNames())
        .containsExactlyInAnyOrder(
            "node_id", "instance_id", "running", "free_slots", "watts", "watts_source");
    assertThat(json.getJsonArray("running").getJsonObject(0))
        .isEqualTo(
            new JsonObject()
                .put("job_id", JOB.toString())
                .put("fencing_token", 7L)
                .put("activity", 12L));
    assertThat(Heartbeat.fromJson(json)).isEqualTo(hb);

    HeartbeatReply reply = new HeartbeatReply(NodeState.DRAINING, List.of(JOB));
    assertThat(reply.toJson())
        .isEqualTo(
            new JsonObject()
                .put("state", "draining")
                .put("revoked", new JsonArray().add(JOB.toString())));
    assertThat(HeartbeatReply.fromJson(reply.toJson())).isEqualTo(reply);
  }

  @Test
  void aBareHeartbeatRunsNothingAndAReplyWithoutAStateMeansUp() {
    Heartbeat hb =
        Heartbeat.fromJson(
            new JsonObject().put("node_id", "n").put("instance_id", INSTANCE.toString()));
    assertThat(hb.running()).isEmpty();
    assertThat(hb.freeSlots()).isZero();
    assertThat(hb.watts()).isNull();
    assertThat(
            Heartbeat.RunningJob.fromJson(
                    new JsonObject().put("job_id", JOB.toString()).put("fencing_token", 7))
                .activity())
        .isZero();
    assertThat(HeartbeatReply.fromJson(new JsonObject()))
        .isEqualTo(new HeartbeatReply(NodeState.UP, List.of()));
  }

  @Test
  void aWorkRequestAsksForOneJobUnlessItSaysMore() {
    WorkRequest req = new WorkRequest("node-a", INSTANCE, 3, 1, 3);
    assertThat(req.toJson().fieldNames())
        .containsExactlyInAnyOrder("node_id", "instance_id", "free_slots", "running", "max_jobs");
    assertThat(WorkRequest.fromJson(req.toJson())).isEqualTo(req);
    assertThat(req.busy()).isTrue();
    WorkRequest bare =
        WorkRequest.fromJson(
            new JsonObject().put("node_id", "n").put("instance_id", INSTANCE.toString()));
    assertThat(bare.maxJobs()).isEqualTo(1);
    assertThat(bare.busy()).isFalse();
  }

  @Test
  void aStartCarriesItsFenceAndNoResult() {
    JobReport start = JobReport.started(FENCE, "node-a");
    assertThat(start.toJson())
        .isEqualTo(
            new JsonObject()
                .put("job_id", JOB.toString())
                .put("fencing_token", 7L)
                .put("node_id", "node-a")
                .put("state", "running"));
    assertThat(JobReport.fromJson(start.toJson())).isEqualTo(start);
    assertThat(
            JobReport.startFromJson(
                new JsonObject()
                    .put("job_id", JOB.toString())
                    .put("fencing_token", 7)
                    .put("node_id", "node-a")))
        .isEqualTo(start);
  }

  @Test
  void anEndCarriesItsResultErrorAndWhetherItMayBeRetried() {
    JobReport end =
        new JobReport(
            FENCE,
            "node-a",
            JobState.FAILED,
            new JsonObject().put("frames", 30),
            "ffmpeg exited with 1",
            true);
    JsonObject json = end.toJson();
    assertThat(json.fieldNames())
        .containsExactlyInAnyOrder(
            "job_id", "fencing_token", "node_id", "state", "result", "error", "retryable");
    assertThat(JobReport.fromJson(json)).isEqualTo(end);
    assertThat(JobReport.endFromJson(json)).isEqualTo(end);
    JobReport bare =
        JobReport.fromJson(
            new JsonObject()
                .put("job_id", JOB.toString())
                .put("fencing_token", 7)
                .put("state", "succeeded"));
    assertThat(bare.result()).isEqualTo(new JsonObject());
    assertThat(bare.retryable()).isFalse();
    assertThat(bare.actor()).isEqualTo(JobReport.UNNAMED_NODE);
  }

  @Test
  void aBatchAndItsAnswersKeepTheirOrder() {
    JobUpdates batch =
        new JobUpdates(
            "node-a",
            List.of(
                JobReport.started(FENCE, "node-a"),
                new JobReport(FENCE, "node-a", JobState.SUCCEEDED, new JsonObject(), null, false)));
    assertThat(JobUpdates.fromJson(batch.toJson())).isEqualTo(batch);
    assertThat(
            JobUpdates.fromJson(
                    new JsonObject().put("updates", batch.toJson().getJsonArray("updates")))
                .nodeId())
        .isEqualTo(JobReport.UNNAMED_NODE);

    UUID other = UUID.randomUUID();
    JobUpdatesReply reply =
        new JobUpdatesReply(
            List.of(
                JobUpdatesReply.Answer.taken(JOB, JobState.RUNNING),
                JobUpdatesReply.Answer.refused(other, Addresses.CONFLICT, "stale")));
    assertThat(reply.toJson().getJsonArray("updates"))
        .containsExactly(
            new JsonObject().put("job_id", JOB.toString()).put("state", "running"),
            new JsonObject()
                .put("job_id", other.toString())
                .put("code", 409)
                .put("error", "stale"));
    assertThat(JobUpdatesReply.fromJson(reply.toJson())).isEqualTo(reply);
    assertThat(
            JobUpdatesReply.fromJson(
                    new JsonObject()
                        .put(
                            "updates",
                            new JsonArray().add(new JsonObject().put("job_id", JOB.toString()))))
                .updates()
                .get(0)
                .code())
        .isEqualTo(Addresses.INTERNAL);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "register|{\"instance_id\": \"%i\"}|node_id|node_id: required",
        "register|{\"node_id\": \"n\", \"instance_id\": \"nope\"}|instance_id|'nope' is not a UUID",
        "register|{\"node_id\": \"n\", \"instance_id\": \"%i\", \"slots\": \"two\"}|slots|an"
            + " integer",
        "register|{\"node_id\": \"n\", \"instance_id\": \"%i\", \"labels\": [1]}|labels|an object",
        "heartbeat|{\"node_id\": \"n\"}|instance_id|'null' is not a UUID",
        "heartbeat|{\"instance_id\": \"%i\", \"running\": {}}|running|an array",
        "heartbeat|{\"instance_id\": \"%i\", \"running\": [{\"job_id\":"
            + " \"nope\"}]}|running[0].job_id|not a UUID",
        "heartbeat|{\"instance_id\": \"%i\", \"running\": [{\"job_id\":"
            + " \"%j\"}]}|running[0].fencing_token|required",
        "heartbeat|{\"instance_id\": \"%i\", \"running\": [7]}|running[0]|an object",
        "heartbeat|{\"instance_id\": \"%i\", \"watts\": \"hot\"}|watts|a number",
        "heartbeat-reply|{\"state\": \"asleep\"}|state|up, draining, lost",
        "heartbeat-reply|{\"revoked\": [\"x\"]}|revoked[0]|'x' is not a UUID",
        "work|{\"instance_id\": \"%i\", \"node_id\": \" \"}|node_id|required",
        "work|{\"node_id\": \"n\", \"instance_id\": \"%i\", \"max_jobs\": 257}|max_jobs|1 to 256",
        "work|{\"node_id\": \"n\", \"instance_id\": \"%i\", \"running\": true}|running|an integer",
        "report|{\"job_id\": \"%j\", \"fencing_token\": 1, \"state\": \"leased\"}|state|running,"
            + " succeeded, failed",
        "report|{\"job_id\": \"%j\", \"fencing_token\": \"seven\", \"state\":"
            + " \"running\"}|fencing_token|an integer",
        "report|{\"job_id\": \"%j\", \"fencing_token\": 1, \"state\": \"failed\", \"retryable\":"
            + " 1}|retryable|true",
        "report|{\"job_id\": \"%j\", \"fencing_token\": 1, \"state\": \"failed\", \"result\":"
            + " []}|result|an object",
        "result|{\"job_id\": \"%j\", \"fencing_token\": 1, \"state\": \"running\"}|state|:"
            + " succeeded, failed, canceled",
        "started|{\"job_id\": \"%j\"}|fencing_token|required, the lease's token",
        "updates|{\"node_id\": \"n\"}|updates|1 to 256 reports",
        "updates|{\"updates\": [{\"job_id\": \"%j\", \"fencing_token\": 1, \"state\": \"running\"},"
            + " {}]}|updates[1].job_id|'null' is not a UUID",
        "updates|{\"updates\": [null]}|updates[0]|accepted: an object",
        "updates-reply|{\"updates\": [{\"job_id\": \"%j\", \"state\":"
            + " \"done\"}]}|updates[0].state|not a job state"
      })
  void aMalformedBodyIsRefusedNamingTheField(
      String body, String json, String field, String message) {
    Function<JsonObject, ?> fromJson =
        switch (body) {
          case "register" -> NodeRegistration::fromJson;
          case "heartbeat" -> Heartbeat::fromJson;
          case "heartbeat-reply" -> HeartbeatReply::fromJson;
          case "work" -> WorkRequest::fromJson;
          case "report" -> JobReport::fromJson;
          case "result" -> JobReport::endFromJson;
          case "started" -> JobReport::startFromJson;
          case "updates" -> JobUpdates::fromJson;
          case "updates-reply" -> JobUpdatesReply::fromJson;
          default -> throw new IllegalArgumentException(body);
        };
    BodyException e = refused(fromJson, json);
    assertThat(e.field()).isEqualTo(field);
    assertThat(e.toString()).startsWith(field + ": ").contains(message);
  }

  @Test
  void aValueOfTheWrongTypeIsAnsweredAsAMalformedBodyThatStillNamesTheField() {
    BodyException wrongType =
        refused(JobReport::fromJson, "{\"job_id\": \"%j\", \"fencing_token\": \"seven\"}");
    assertThat(wrongType.reply(Addresses.JOB_RESULT))
        .startsWith("body: malformed for " + Addresses.JOB_RESULT)
        .contains("fencing_token: accepted: an integer");
    BodyException missing = refused(JobReport::fromJson, "{\"job_id\": \"%j\"}");
    assertThat(missing.reply(Addresses.JOB_RESULT))
        .isEqualTo("fencing_token: required, the lease's token");
  }

  @ParameterizedTest
  @CsvSource({
    "4294967297, 4294967297 is out of range",
    "-2147483649, -2147483649 is out of range",
    "9223372036854775808, 9223372036854775808 is out of range",
    "2.5, 2.5 is not an integer",
    "1e30, 1E+30 is out of range"
  })
  void anIntegerBeyondItsTypeIsRefusedNotNarrowed(String value, String message) {
    JsonObject body = new JsonObject("{\"slots\": " + value + ", \"activity\": " + value + "}");
    assertThat(catchThrowableOfType(BodyException.class, () -> BodyFields.integer(body, "slots")))
        .satisfies(e -> assertThat(e.field()).isEqualTo("slots"))
        .satisfies(e -> assertThat(e.getMessage()).startsWith(message));
    if (!value.startsWith("4") && !value.startsWith("-2")) {
      assertThat(
              catchThrowableOfType(
                  BodyException.class, () -> BodyFields.longValue(body, "activity")))
          .satisfies(e -> assertThat(e.field()).isEqualTo("activity"));
    } else {
      assertThat(BodyFields.longValue(body, "activity")).isEqualTo(Long.parseLong(value));
    }
  }
}
