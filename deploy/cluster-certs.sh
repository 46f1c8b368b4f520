#!/usr/bin/env bash
# Makes the certificates for event-bus TLS with openssl: one CA for the cluster, and a certificate and key per node.
#   deploy/cluster-certs.sh DIR ca                      # DIR/ca.pem, DIR/ca.key (keep ca.key off the nodes)
#   deploy/cluster-certs.sh DIR node NAME ADDRESS       # DIR/NAME.pem, DIR/NAME.key, signed by DIR/ca.*
# Then start every node with --cluster-cert DIR/NAME.pem --cluster-key DIR/NAME.key --cluster-ca DIR/ca.pem.
set -euo pipefail
dir=${1:?usage: cluster-certs.sh DIR ca | DIR node NAME ADDRESS}
what=${2:?usage: cluster-certs.sh DIR ca | DIR node NAME ADDRESS}
mkdir -p "$dir"
umask 077
case "$what" in
  ca)
    openssl req -x509 -newkey rsa:3072 -nodes -sha256 -days 3650 -subj "/CN=ffrtmp cluster CA" \
      -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
    chmod 644 "$dir/ca.pem"
    echo "CA: $dir/ca.pem (key $dir/ca.key: keep it off the nodes)"
    ;;
  node)
    name=${3:?node NAME}
    addr=${4:?node ADDRESS: the --cluster-host of that node}
    case "$name" in *[!A-Za-z0-9._-]*) echo "NAME: letters, digits, '.', '_' or '-' only" >&2; exit 2;; esac
    if [[ "$addr" =~ ^[0-9.]+$ || "$addr" == *:* ]]; then san="IP:$addr"; else san="DNS:$addr"; fi
    ext=$(mktemp)
    trap 'rm -f "$ext" "$dir/$name.csr"' EXIT
    printf "subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n" "$san" > "$ext"
    openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=$name" -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null
    openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -sha256 -days 825 \
      -extfile "$ext" -out "$dir/$name.pem" 2>/dev/null
    chmod 644 "$dir/$name.pem"
    echo "node $name: $dir/$name.pem, key $dir/$name.key (mode 0600)"
    ;;
  *)
    echo "usage: cluster-certs.sh DIR ca | DIR node NAME ADDRESS" >&2
    exit 2
    ;;
esac
