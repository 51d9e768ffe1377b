package com.casarerpa.fleet.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlSplitterTest {
  @Test
  void splitsOnSemicolonsOutsideQuotesCommentsAndBodies() {
    String sql =
        """
        -- header comment; not a split
        CREATE TABLE t (a text default 'x;y', "we;ird" int);

        CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$
        BEGIN RETURN 1; END;
        $body$;
        /* block ; /* nested ; */ still ; */ SELECT $1;
        CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;
        SELECT 'it''s; fine';;
        """;
    List<SqlStatement> statements = SqlSplitter.split(sql);

    assertThat(statements).extracting(SqlStatement::line).containsExactly(1, 4, 7, 8, 9);
    assertThat(statements.get(0).text())
        .startsWith("-- header comment; not a split\nCREATE TABLE t")
        .endsWith("int)");
    assertThat(statements.get(1).text()).endsWith("$body$");
    assertThat(statements.get(2).text()).endsWith("SELECT $1");
    assertThat(statements.get(3).text()).endsWith("SELECT 2; END");
    assertThat(statements.get(4).text()).isEqualTo("SELECT 'it''s; fine'");
  }

  @Test
  void aTrailingCommentIsKeptAsTheCliKeepsIt() {
    assertThat(SqlSplitter.split("SELECT 1;\n-- done\n"))
        .extracting(SqlStatement::text)
        .containsExactly("SELECT 1", "-- done");
  }

  @Test
  void mapsAnErrorPositionToTheFileLine() {
    SqlStatement statement = SqlSplitter.split("\n\nSELECT 1,\n  nope\nFROM x;").getFirst();
    assertThat(statement.line()).isEqualTo(3);
    assertThat(statement.lineOf(statement.text().indexOf("nope") + 1)).isEqualTo(4);
  }
}
