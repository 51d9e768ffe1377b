package com.casarerpa.fleet.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.migrate.MigrationRunner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackRestartTest {
  @TempDir Path data;

  @Test
  void a_restart_on_the_same_data_folder_keeps_rows_written_through_rest() throws Exception {
    StackSettings settings = StackSettings.ephemeral().withDataDirectory(data);
    try (LocalStack first = LocalStack.start(settings)) {
      new MigrationRunner(first.context().adminPool())
          .execute(
              "fixture",
              """
              CREATE TABLE public.kept (id int PRIMARY KEY, note text);
              GRANT SELECT, INSERT ON public.kept TO service_role;
              """);
      HttpResponse<String> insert =
          send(first, "POST", "/rest/v1/kept", "{\"id\":1,\"note\":\"survives\"}");
      assertThat(insert.statusCode()).as(insert.body()).isEqualTo(201);
    }
    try (LocalStack second = LocalStack.start(settings)) {
      HttpResponse<String> read = send(second, "GET", "/rest/v1/kept?select=note", null);
      assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
      assertThat(read.body()).isEqualTo("[{\"note\":\"survives\"}]");
    }
  }

  private static HttpResponse<String> send(
      LocalStack stack, String method, String path, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(stack.url() + path))
            .header("apikey", stack.serviceRoleKey())
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }
}
