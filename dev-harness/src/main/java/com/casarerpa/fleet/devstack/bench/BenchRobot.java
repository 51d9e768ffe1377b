package com.casarerpa.fleet.devstack.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One robot of the benchmark: its own connection (as {@code authenticator}) and its API key. Every
 * RPC is one transaction set up exactly as PostgREST sets up a request: role {@code anon}, the JWT
 * claims and the {@code x-robot-api-key} header in GUCs, then the call, then commit.
 */
final class BenchRobot implements AutoCloseable {
  private static final String ANON_CLAIMS = "{\"role\":\"anon\",\"iss\":\"supabase\"}";

  private final Connection connection;
  private final String headers;
  private final PreparedStatement setup;
  private final PreparedStatement claim;
  private final PreparedStatement start;
  private final PreparedStatement complete;
  private long rpcCalls;
  private long rpcNanos;

  BenchRobot(String jdbcUrl, String apiKey) throws SQLException {
    this.connection = DriverManager.getConnection(jdbcUrl, "authenticator", "postgres");
    connection.setAutoCommit(false);
    this.headers = "{\"x-robot-api-key\":\"" + apiKey + "\"}";
    this.setup =
        connection.prepareStatement(
            "SELECT set_config('role', 'anon', true), set_config('request.jwt.claims', ?, true),"
                + " set_config('request.headers', ?, true)");
    this.claim =
        connection.prepareStatement(
            "SELECT r->>'job_id', r->>'claim_token' FROM public.claim_jobs(p_limit => ?) r");
    this.start =
        connection.prepareStatement(
            "SELECT public.start_job(p_job_id => ?::uuid, p_claim_token => ?::uuid)");
    this.complete =
        connection.prepareStatement(
            "SELECT public.complete_job(p_job_id => ?::uuid, p_claim_token => ?::uuid,"
                + " p_result => '{\"ok\":true}'::jsonb)");
  }

  /** claim_jobs(limit): each claimed job as {job_id, claim_token}. */
  List<String[]> claim(int limit) throws SQLException {
    long began = System.nanoTime();
    begin();
    claim.setInt(1, limit);
    List<String[]> jobs = new ArrayList<>();
    try (ResultSet rs = claim.executeQuery()) {
      while (rs.next()) {
        jobs.add(new String[] {rs.getString(1), rs.getString(2)});
      }
    }
    commit(began);
    return jobs;
  }

  void start(String[] job) throws SQLException {
    fenced(start, job);
  }

  void complete(String[] job) throws SQLException {
    fenced(complete, job);
  }

  long rpcCalls() {
    return rpcCalls;
  }

  long rpcNanos() {
    return rpcNanos;
  }

  private void fenced(PreparedStatement call, String[] job) throws SQLException {
    long began = System.nanoTime();
    begin();
    call.setString(1, job[0]);
    call.setString(2, job[1]);
    call.executeQuery().close();
    commit(began);
  }

  private void begin() throws SQLException {
    setup.setString(1, ANON_CLAIMS);
    setup.setString(2, headers);
    setup.executeQuery().close();
  }

  private void commit(long began) throws SQLException {
    connection.commit();
    rpcCalls++;
    rpcNanos += System.nanoTime() - began;
  }

  static UUID uuid(String[] job) {
    return UUID.fromString(job[0]);
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
