#Requires -Version 5.1
#Requires -RunAsAdministrator
<#
.SYNOPSIS
  Installs, upgrades or removes the CasareRPA robot agent as a Windows service (procrun).

.DESCRIPTION
  Run from an unpacked casare-agent zip, in an elevated PowerShell:

    .\install\windows\install.ps1                       install, or upgrade in place
    .\install\windows\install.ps1 -Instance robot2      also set up robot "robot2" (CasareAgent-robot2)
    .\install\windows\install.ps1 -Uninstall [-Purge]   remove the service(s) and the program
    .\install\windows\install.ps1 -Uninstall -Instance robot2 [-Purge]   remove robot2 only

  Program:  C:\Program Files\CasareRPA\Agent (replaced on upgrade; -ProgramDir to change)
  Per robot: C:\ProgramData\CasareRPA\Agent\<default|NAME>\agent.env, data\, logs\
             (kept on upgrade and uninstall; -Purge deletes them)
  Service:  CasareAgent / CasareAgent-NAME, delayed automatic start, restarted on failure
            (10 s, 30 s, then every 60 s), running as the virtual account NT SERVICE\<service>
            (-Account LocalService|NetworkService|LocalSystem to change).
  The service definition itself (procrun and sc.exe arguments) comes from
  `casare-agent service install|update|uninstall`; `bin\casare-agent.cmd service install --print`
  shows it.
#>
[CmdletBinding()]
param(
  [string] $Instance = "",
  [switch] $Uninstall,
  [switch] $Purge,
  [ValidateSet("virtual", "LocalService", "NetworkService", "LocalSystem")]
  [string] $Account = "virtual",
  [string] $ProgramDir = (Join-Path $env:ProgramFiles "CasareRPA\Agent"),
  [string] $DataRoot = (Join-Path $env:ProgramData "CasareRPA\Agent")
)

Set-StrictMode -Version Latest
$ErrorActionPreference = "Stop"

function Say([string] $Message) { Write-Host "casare-agent: $Message" }

if ($Instance -and $Instance -notmatch '^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$') {
  throw "-Instance ${Instance}: use 1 to 40 letters, digits, '-' or '_', starting with a letter or digit"
}
$Dist = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
$ServiceName = if ($Instance) { "CasareAgent-$Instance" } else { "CasareAgent" }
$InstanceDir = Join-Path $DataRoot $(if ($Instance) { $Instance } else { "default" })

# The agent's own command line, from the installed program (its runtime\ or JAVA_HOME)
function Invoke-Agent([string[]] $Arguments) {
  $launcher = Join-Path $ProgramDir "bin\casare-agent.cmd"
  & $launcher @Arguments
  if ($LASTEXITCODE -ne 0) { throw "casare-agent $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Get-AgentServices {
  @(Get-Service -Name "CasareAgent", "CasareAgent-*" -ErrorAction SilentlyContinue)
}

function Test-JavaAvailable {
  if (Test-Path (Join-Path $Dist "runtime\bin\java.exe")) { return }
  $java = if ($env:JAVA_HOME) { Join-Path $env:JAVA_HOME "bin\java.exe" } else { (Get-Command java.exe -ErrorAction SilentlyContinue).Source }
  if (-not $java -or -not (Test-Path $java)) {
    throw "no Java found: install Java 21 or newer and set JAVA_HOME (the service loads its jvm.dll)"
  }
}

function Stop-AgentServices($Services) {
  foreach ($s in $Services) {
    if ($s.Status -ne "Stopped") {
      Say "stopping $($s.Name) (it drains running jobs first)"
      Stop-Service -Name $s.Name
      $s.WaitForStatus("Stopped", [TimeSpan]::FromSeconds(120))
    }
  }
}

function Install-Program {
  $running = @(Get-AgentServices | Where-Object { $_.Status -ne "Stopped" })
  Stop-AgentServices $running
  $staging = "$ProgramDir.new"
  if (Test-Path $staging) { Remove-Item -Recurse -Force $staging }
  New-Item -ItemType Directory -Force -Path $staging | Out-Null
  foreach ($part in "bin", "lib", "config", "install", "runtime") {
    $source = Join-Path $Dist $part
    if (Test-Path $source) { Copy-Item -Recurse -Path $source -Destination $staging }
  }
  $upgrade = Test-Path $ProgramDir
  if ($upgrade) { Remove-Item -Recurse -Force $ProgramDir }
  Move-Item -Path $staging -Destination $ProgramDir
  Say "$(if ($upgrade) { 'upgraded' } else { 'installed' }) the program in $ProgramDir"
  return $running
}

function Install-InstanceFolder {
  New-Item -ItemType Directory -Force -Path $InstanceDir | Out-Null
  foreach ($sub in "data", "logs") {
    New-Item -ItemType Directory -Force -Path (Join-Path $InstanceDir $sub) | Out-Null
  }
  $config = Join-Path $InstanceDir "agent.env"
  if (Test-Path $config) {
    Say "kept your settings in $config"
    return
  }
  $text = Get-Content -Raw (Join-Path $Dist "config\agent.env.example")
  if ($Instance) {
    $used = @(Get-ChildItem -Path $DataRoot -Filter agent.env -Recurse -ErrorAction SilentlyContinue |
        Select-String -Pattern '^ROBOT_OPS_PORT=(\d+)$' | ForEach-Object { [int] $_.Matches[0].Groups[1].Value })
    $port = 9471
    while ($used -contains $port) { $port++ }
    $text = $text -replace '(?m)^ROBOT_OPS_PORT=.*$', "ROBOT_OPS_PORT=$port" -replace '(?m)^ROBOT_NAME=.*$', "ROBOT_NAME=$Instance"
    Say "robot $Instance gets ops port $port (/healthz, /metrics)"
  }
  Set-Content -Path $config -Value $text -Encoding ascii
  Say "wrote ${config}: fill in SUPABASE_URL, SUPABASE_ANON_KEY and ROBOT_API_KEY, then: Start-Service $ServiceName"
}

function Install-Agent {
  Test-JavaAvailable
  $wasRunning = Install-Program
  Install-InstanceFolder
  $exists = [bool] (Get-Service -Name $ServiceName -ErrorAction SilentlyContinue)
  $verb = if ($exists) { "update" } else { "install" }
  $arguments = @("service", $verb, "--home", $ProgramDir, "--data-root", $DataRoot, "--account", $Account)
  if ($Instance) { $arguments += @("--instance", $Instance) }
  Invoke-Agent $arguments
  Say "$(if ($exists) { 'updated' } else { 'registered' }) service $ServiceName"
  # other robots' services were stopped for the upgrade: their definitions point at the new files
  foreach ($s in $wasRunning) {
    if ($s.Name -ne $ServiceName) { Start-Service -Name $s.Name; Say "started $($s.Name) again" }
  }
  $configured = Select-String -Path (Join-Path $InstanceDir "agent.env") -Pattern '^ROBOT_API_KEY=.+' -Quiet
  if ($configured) {
    Start-Service -Name $ServiceName
    Say "started $ServiceName"
  }
  Say "logs: $(Join-Path $InstanceDir 'logs') (casare-agent.log; procrun and stdout/stderr files); Event Viewer > Windows Logs > System for service starts, stops and recoveries"
}

function Uninstall-Agent {
  $targets = if ($Instance) { @(Get-Service -Name $ServiceName -ErrorAction SilentlyContinue) } else { Get-AgentServices }
  Stop-AgentServices $targets
  foreach ($s in $targets) {
    $name = $s.Name
    $arguments = @("service", "uninstall", "--home", $ProgramDir, "--data-root", $DataRoot)
    if ($name -ne "CasareAgent") { $arguments += @("--instance", $name.Substring("CasareAgent-".Length)) }
    Invoke-Agent $arguments
    Say "removed service $name"
  }
  if (-not $Instance) {
    if (Test-Path $ProgramDir) { Remove-Item -Recurse -Force $ProgramDir; Say "removed $ProgramDir" }
  }
  $purgeDir = if ($Instance) { $InstanceDir } else { $DataRoot }
  if ($Purge) {
    if (Test-Path $purgeDir) { Remove-Item -Recurse -Force $purgeDir }
    Say "purged settings, data and logs in $purgeDir"
  } else {
    Say "kept settings, data and logs in $purgeDir (-Purge deletes them)"
  }
}

if ($Uninstall) { Uninstall-Agent } else { Install-Agent }
