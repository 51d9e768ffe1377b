package com.casarerpa.fleet.devstack;

import com.casarerpa.fleet.devstack.auth.JwtCodec;
import com.casarerpa.fleet.devstack.db.EmbeddedDatabase;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.InstantSource;
import javax.sql.DataSource;

/**
 * What every stack component shares.
 *
 * @param database the embedded server (for superuser work such as LISTEN or catalog reads)
 * @param apiPool connections as {@code authenticator}, which switches to {@code anon}, {@code
 *     authenticated} or {@code service_role} per request, as PostgREST does
 * @param adminPool connections as the superuser, for the stack's own plumbing (never for requests)
 * @param jwt verifies and signs HS256 tokens with the project's secret
 * @param anonKey the project's anon API key
 * @param serviceRoleKey the project's service_role API key
 * @param functionsDirectory where {@code functions/<name>/index.ts} live
 * @param json the shared JSON mapper
 * @param clock time source
 * @param settings the settings the stack was started with
 */
public record StackContext(
    EmbeddedDatabase database,
    DataSource apiPool,
    DataSource adminPool,
    JwtCodec jwt,
    String anonKey,
    String serviceRoleKey,
    Path functionsDirectory,
    ObjectMapper json,
    InstantSource clock,
    StackSettings settings) {}
