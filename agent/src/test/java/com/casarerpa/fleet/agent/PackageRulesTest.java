package com.casarerpa.fleet.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent's package graph, read from its compiled classes: no cycles between packages (the old
 * config → logs → supabase → config loop stays broken), and the low layers stay low.
 */
class PackageRulesTest {
  private static final String AGENT = "com.casarerpa.fleet.agent";
  private static JavaClasses classes;

  @BeforeAll
  static void importAgent() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(AGENT);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching(AGENT + ".(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void internalAndConfigDependOnNoOtherAgentPackage() {
    noClasses()
        .that()
        .resideInAnyPackage(AGENT + ".internal..", AGENT + ".config..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            AGENT,
            AGENT + ".cli..",
            AGENT + ".fleet..",
            AGENT + ".jobs..",
            AGENT + ".logs..",
            AGENT + ".ops..",
            AGENT + ".supabase..")
        .check(classes);
  }

  @Test
  void supabaseClientsKnowNothingOfTheFleetLogic() {
    noClasses()
        .that()
        .resideInAPackage(AGENT + ".supabase..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            AGENT, AGENT + ".cli..", AGENT + ".fleet..", AGENT + ".jobs..", AGENT + ".logs..")
        .check(classes);
  }
}
