package com.casarerpa.fleet.devstack.realtime;

import java.io.IOException;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** Posts to {@code /realtime/v1/api/broadcast} for tests. */
final class RestBroadcast {
  private static final OkHttpClient CLIENT = new OkHttpClient();

  record Answer(int status, String body) {}

  private RestBroadcast() {}

  /** Posts with {@code apikey} as both the key and the bearer token. */
  static Answer post(String url, String apikey, String json) throws IOException {
    return post(url, apikey, apikey, json);
  }

  static Answer post(String url, String apikey, String bearer, String json) throws IOException {
    Request.Builder request =
        new Request.Builder()
            .url(url + "/realtime/v1/api/broadcast")
            .post(RequestBody.create(json, MediaType.get("application/json")));
    if (apikey != null) {
      request.header("apikey", apikey);
    }
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    try (Response response = CLIENT.newCall(request.build()).execute()) {
      return new Answer(response.code(), response.body().string());
    }
  }
}
