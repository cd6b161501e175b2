"""A stand-in for PortOne's REST API on loopback, for the interop check: GET /payments/{id}
answers in PortOne V2's shape (PAID, 200000 KRW) when the Authorization header carries the
API secret, 401 otherwise, 404 for an unknown id.

Usage: python3 portone_standin.py PORT API_SECRET
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, SECRET = int(sys.argv[1]), sys.argv[2]
PAYMENTS = {"interop-payment-1": {"status": "PAID", "total": 200000}}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.headers.get("Authorization") != "PortOne " + SECRET:
            return self.answer(401, {"type": "UNAUTHORIZED"})
        payment_id = self.path.rsplit("/", 1)[-1]
        payment = PAYMENTS.get(payment_id) if self.path.startswith("/payments/") else None
        if payment is None:
            return self.answer(404, {"type": "PAYMENT_NOT_FOUND"})
        self.answer(200, {
            "status": payment["status"], "id": payment_id, "transactionId": "tx-" + payment_id,
            "amount": {"total": payment["total"], "paid": payment["total"], "cancelled": 0}, "currency": "KRW",
        })

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
