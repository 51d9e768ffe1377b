@echo off
rem Starts the CasareRPA robot agent of an installed distribution:
rem   casare-agent run|doctor|service|workflow|version [options]   (see --help)
rem Java: the bundled runtime\ when present, else %JAVA_HOME%, else java.exe on the PATH (21+).
rem JVM options: AGENT_JAVA_DEFAULTS (small-footprint defaults, as the Linux launcher's, without the
rem class-data-sharing archive; set it to a space to drop them), then AGENT_JAVA_OPTS.
rem The Windows service does not use this file: procrun loads
rem the JVM itself (see install\windows\install.ps1 and `casare-agent service install --print`).
setlocal
set "APP_HOME=%~dp0.."
set "JAVA=java.exe"
if defined JAVA_HOME set "JAVA=%JAVA_HOME%\bin\java.exe"
if exist "%APP_HOME%\runtime\bin\java.exe" set "JAVA=%APP_HOME%\runtime\bin\java.exe"
if not defined AGENT_JAVA_DEFAULTS set "AGENT_JAVA_DEFAULTS=-XX:+UseSerialGC -Xms8m -Xmx256m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xss512k -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=48m -XX:TieredStopAtLevel=1"
"%JAVA%" %AGENT_JAVA_DEFAULTS% %AGENT_JAVA_OPTS% "-Dlogback.configurationFile=%APP_HOME%\config\logback.xml" -jar "%APP_HOME%\lib\casare-agent.jar" %*
exit /b %ERRORLEVEL%
