package io.ffrtmp.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.job.SchemaCheck;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiContractTest {

  final JsonObject doc = ApiContract.document();

  @Test
  void everyOperationIsUnderApiV1AndNamesTheLeastRoleItNeeds() {
    List<String> problems = new ArrayList<>();
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      if (!path.startsWith("/api/v1/")
          && !List.of("/health", "/ready", "/metrics", "/metrics/targets").contains(path)) {
        problems.add(path + " is outside /api/v1");
      }
      JsonObject ops = paths.getJsonObject(path);
      for (String method : ops.fieldNames()) {
        JsonObject op = ops.getJsonObject(method);
        String role = op.getString("x-ffrtmp-role");
        boolean open = op.getJsonArray("security") != null && op.getJsonArray("security").isEmpty();
        if (open ? !"none".equals(role) : Role.of(role) == null) {
          problems.add(method + " " + path + ": role " + role + (open ? " on an open route" : ""));
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(doc.getString("openapi")).isEqualTo("3.1.0");
  }

  @Test
  void theDocumentIsTheFileAsWrittenWithServersProbesAndEveryErrorAnswer() {
    // vertx-json-schema marks the schemas it compiles with internal keys; none may reach the served
    // document.
    assertThat(doc.encode()).doesNotContain("__absolute_uri__");
    assertThat(doc.getJsonArray("servers")).isNotEmpty();
    assertThat(doc.getJsonObject("paths").fieldNames())
        .contains("/health", "/ready", "/metrics", "/api/v1/openapi.json");
    List<String> missing = new ArrayList<>();
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        JsonObject responses =
            paths.getJsonObject(path).getJsonObject(method).getJsonObject("responses");
        if (!responses.containsKey("500")) {
          missing.add(method + " " + path + ": 500");
        }
        if (method.equals("post") && !responses.containsKey("413")) {
          missing.add(method + " " + path + ": 413");
        }
      }
    }
    assertThat(missing).isEmpty();
  }

  @Test
  void theJobSpecComponentIsTheSpecSchemaWithTighterText() {
    JsonObject spec =
        doc.getJsonObject("components").getJsonObject("schemas").getJsonObject("JobSpec");
    JsonObject original = SchemaCheck.JOB_SPEC.schema();
    assertThat(spec.getJsonObject("properties").fieldNames())
        .isEqualTo(original.getJsonObject("properties").fieldNames());
    assertThat(spec.getBoolean("additionalProperties")).isFalse();
    assertThat(spec.getJsonObject("properties").getJsonObject("name").getString("pattern"))
        .isEqualTo(ApiContract.SAFE_TEXT);
    assertThat("clips/talk 1080p.mp4")
        .matches(ApiContract.SAFE_PATH.replace("^", "").replace("$", ""));
    assertThat("/etc/passwd").doesNotMatch(ApiContract.SAFE_PATH.replace("^", "").replace("$", ""));
    assertThat("a;b").doesNotMatch(ApiContract.SAFE_TEXT.replace("^", "").replace("$", ""));
  }
}
