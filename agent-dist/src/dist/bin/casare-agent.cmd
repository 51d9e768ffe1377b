@echo off
rem Starts the CasareRPA robot agent of an installed distribution:
rem   casare-agent run|doctor|service|workflow|version [options]   (see --help)
rem Java: the bundled runtime\ when present, else %JAVA_HOME%, else java.exe on the PATH (21+).
rem JVM options: AGENT_JAVA_DEFAULTS (default: the small-footprint list of
rem lib\casare-agent-jvm.options, the same the Linux launcher and the Windows service apply; lines
rem with a [condition] are skipped here; set it to a space to drop them), then AGENT_JAVA_OPTS.
rem The Windows service does not use this file: procrun loads the JVM itself with the same
rem defaults (see install\windows\install.ps1 and `casare-agent service install --print`).
setlocal
set "APP_HOME=%~dp0.."
set "JAVA=java.exe"
if defined JAVA_HOME set "JAVA=%JAVA_HOME%\bin\java.exe"
if exist "%APP_HOME%\runtime\bin\java.exe" set "JAVA=%APP_HOME%\runtime\bin\java.exe"
if not defined AGENT_JAVA_DEFAULTS call :jvm_defaults
rem console logging: built into the agent; config\logback.xml replaces it when present
if not exist "%APP_HOME%\config\logback.xml" goto builtin_logging
"%JAVA%" %AGENT_JAVA_DEFAULTS% %AGENT_JAVA_OPTS% "-Dlogback.configurationFile=%APP_HOME%\config\logback.xml" -jar "%APP_HOME%\lib\casare-agent.jar" %*
exit /b %ERRORLEVEL%
:builtin_logging
"%JAVA%" %AGENT_JAVA_DEFAULTS% %AGENT_JAVA_OPTS% -jar "%APP_HOME%\lib\casare-agent.jar" %*
exit /b %ERRORLEVEL%

rem AGENT_JAVA_DEFAULTS := the unconditional lines of lib\casare-agent-jvm.options ('#' = comment)
:jvm_defaults
setlocal EnableDelayedExpansion
set "options="
for /f "usebackq eol=# delims=" %%o in ("%APP_HOME%\lib\casare-agent-jvm.options") do (
  set "line=%%o"
  if not "!line:~0,1!"=="[" set "options=!options! %%o"
)
endlocal & set "AGENT_JAVA_DEFAULTS=%options%"
exit /b 0
