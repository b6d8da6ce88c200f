"""A TLS front for the sandbox's GitHub API, so gh can reach it the way it reaches GHES.

gh 2.23 speaks only https to a GitHub Enterprise host (https://HOST/api/v3/); its one plain-http
host is "github.localhost" on port 80. So the test gives gh what a GHES behind a load balancer
gives: TLS with a certificate made here (trusted through SSL_CERT_FILE, which Go reads), ended
in front of the sandbox, with X-Forwarded-Proto: https so the sandbox's own URLs (Link,
Location of the log redirect) say https. Loopback only; one request at a time per connection.
"""

import http.client
import http.server
import os
import ssl
import subprocess
import threading

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te"}


def make_certificate(directory):
    cert = os.path.join(directory, "front-cert.pem")
    key = os.path.join(directory, "front-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


def start(backend_port, directory):
    """Start the front on a free loopback port; returns (port, certificate file, server)."""
    cert, key = make_certificate(directory)

    class Forward(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            headers["X-Forwarded-Proto"] = "https"
            upstream = http.client.HTTPConnection("127.0.0.1", backend_port, timeout=30)
            upstream.request(self.command, self.path, body=body, headers=headers)
            reply = upstream.getresponse()
            data = reply.read()
            self.send_response_only(reply.status, reply.reason)
            for k, v in reply.getheaders():
                if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            upstream.close()

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = forward

        def log_message(self, fmt, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1], cert, server
