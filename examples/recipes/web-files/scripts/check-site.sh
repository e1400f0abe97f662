# No #! line: the bakery runs it with bash.
set -e
test -f /etc/nginx/nginx.conf
test -f /var/www/html/index.html
echo "site files in place for $SITE_NAME"
