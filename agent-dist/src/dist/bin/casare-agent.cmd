@echo off
rem Starts the CasareRPA robot agent of an installed distribution:
rem   casare-agent run|doctor|service|workflow|version [options]   (see --help)
rem Java: the bundled runtime\ when present, else %JAVA_HOME%, else java.exe on the PATH (21+).
rem Extra JVM options: AGENT_JAVA_OPTS. The Windows service does not use this file: procrun loads
rem the JVM itself (see install\windows\install.ps1 and `casare-agent service install --print`).
setlocal
set "APP_HOME=%~dp0.."
set "JAVA=java.exe"
if defined JAVA_HOME set "JAVA=%JAVA_HOME%\bin\java.exe"
if exist "%APP_HOME%\runtime\bin\java.exe" set "JAVA=%APP_HOME%\runtime\bin\java.exe"
"%JAVA%" %AGENT_JAVA_OPTS% "-Dlogback.configurationFile=%APP_HOME%\config\logback.xml" -jar "%APP_HOME%\lib\casare-agent.jar" %*
exit /b %ERRORLEVEL%
