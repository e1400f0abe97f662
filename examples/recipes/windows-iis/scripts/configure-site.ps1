# Configures the IIS site the recipe uploaded: a marker of the environment it was baked for.
$ErrorActionPreference = 'Stop'
$site = $args[1]
Write-Output "Configuring site $site for $env:APP_ENV"
Set-Content -Path 'C:\inetpub\wwwroot\environment.txt' -Value $env:APP_ENV
if (-not (Test-Path -LiteralPath 'C:\inetpub\wwwroot\index.html')) { throw 'the site was not uploaded' }
exit 0
