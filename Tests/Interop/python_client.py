"""An outside gRPC client (Python grpcio) against a running cohortd: TLS with the development CA,
standard health, server reflection (grpcio speaks v1alpha), an RPC whose messages are built from
reflection alone, and the refusal of a call without a token. Exits non-zero on any difference.

Then, when a webhook secret is given, PortOne's side of a payment: a person and an expected
payment made through RPCs built from reflection, a webhook signed by the `standardwebhooks`
package (PyPI) posted over HTTPS, and the person reported paying.

Usage: python3 python_client.py DATA_DIR [WEBHOOK_SECRET]   (the data directory of the running cohortd)
"""
import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.request
import uuid

import grpc
from google.protobuf import json_format, message_factory
from google.protobuf.descriptor_pool import DescriptorPool
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase


class BearerToken(grpc.UnaryUnaryClientInterceptor, grpc.StreamStreamClientInterceptor):
    def __init__(self, token):
        self.metadata = [("authorization", "Bearer " + token)]

    def _with_token(self, details):
        return details._replace(metadata=list(details.metadata or []) + self.metadata)

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(self._with_token(details), request)

    def intercept_stream_stream(self, continuation, details, requests):
        return continuation(self._with_token(details), requests)


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        sys.exit(1)


def rpc(channel, pool, service, method, fields):
    """Calls service/method with a request built from reflection and `fields`; the reply as a dict."""
    descriptor = pool.FindServiceByName(service).methods_by_name[method]
    request_type = message_factory.GetMessageClass(descriptor.input_type)
    reply_type = message_factory.GetMessageClass(descriptor.output_type)
    call = channel.unary_unary(
        f"/{service}/{method}", request_serializer=request_type.SerializeToString,
        response_deserializer=reply_type.FromString)
    reply = call(json_format.ParseDict(fields, request_type()), timeout=10)
    return json_format.MessageToDict(reply, preserving_proto_field_name=True)


def webhook(info, authed, pool, secret):
    from standardwebhooks.webhooks import Webhook

    command = lambda service, method, fields: rpc(authed, pool, service, method, {"request_id": str(uuid.uuid4()), **fields})
    command("cohort.v1.EnrollmentService", "ScheduleCohort", {
        "number": 77, "title": "Interop 77", "price": {"amount_minor": 200000, "currency": "KRW"}, "capacity": 10,
        "starts_on": {"year": 2027, "month": 3, "day": 1}, "ends_on": {"year": 2027, "month": 4, "day": 30}})
    command("cohort.v1.PeopleService", "RegisterPerson", {"name": "Interop Person", "email": "interop@example.com"})
    command("cohort.v1.PaymentsService", "ExpectPayment", {
        "person": {"email": "interop@example.com"}, "cohort_number": 77, "payment_id": "interop-payment-1"})
    person = {"person": {"email": "interop@example.com"}}
    before = rpc(authed, pool, "cohort.v1.PeopleService", "GetPerson", person)["person"]["status"]
    check(before == "CUSTOMER_STATUS_INTERESTED", f"before the webhook the person is merely interested ({before})")

    body = json.dumps({"type": "Transaction.Paid", "timestamp": "2026-12-02T10:00:00Z",
                       "data": {"paymentId": "interop-payment-1", "storeId": "store-interop", "transactionId": "tx-1"}})
    message_id, now = "msg_interop_1", time.time()
    from datetime import datetime, timezone
    signature = Webhook(secret).sign(message_id, datetime.fromtimestamp(now, tz=timezone.utc), body)
    context = ssl.create_default_context(cafile=info["caCertificatePath"])

    def post(signature_header):
        request = urllib.request.Request(
            f'https://{info["host"]}:{info["httpsPort"]}/webhooks/portone', data=body.encode(), method="POST",
            headers={"content-type": "application/json", "webhook-id": message_id,
                     "webhook-timestamp": str(int(now)), "webhook-signature": signature_header})
        try:
            with urllib.request.urlopen(request, context=context, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    tampered = "v1," + ("A" * 43) + "="
    check(post(tampered) == 401, "a webhook with a forged signature is refused with 401")
    status = post(signature)
    check(status == 200, f"a webhook signed by the standardwebhooks package is accepted ({status})")
    after = rpc(authed, pool, "cohort.v1.PeopleService", "GetPerson", person)["person"]["status"]
    check(after == "CUSTOMER_STATUS_PAYING", f"after PortOne's look-up the person is paying ({after})")


def main(data_dir, secret=None):
    info = json.load(open(os.path.join(data_dir, "server.json")))
    token = open(info["ownerTokenPath"]).read().strip()
    credentials = grpc.ssl_channel_credentials(open(info["caCertificatePath"], "rb").read())
    channel = grpc.secure_channel(f'{info["host"]}:{info["port"]}', credentials)

    status = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10).status
    check(status == health_pb2.HealthCheckResponse.SERVING, "health Check answers SERVING without a token")

    authed = grpc.intercept_channel(channel, BearerToken(token))
    database = ProtoReflectionDescriptorDatabase(authed)
    services = database.get_services()
    check("cohort.v1.EnrollmentService" in services, f"reflection lists the services: {services}")

    method = DescriptorPool(database).FindServiceByName("cohort.v1.EnrollmentService").methods_by_name["ListCohorts"]
    request_type = message_factory.GetMessageClass(method.input_type)
    reply_type = message_factory.GetMessageClass(method.output_type)
    list_cohorts = authed.unary_unary(
        "/cohort.v1.EnrollmentService/ListCohorts",
        request_serializer=request_type.SerializeToString,
        response_deserializer=reply_type.FromString,
    )
    reply = list_cohorts(request_type(), timeout=10)
    check(reply.position >= 2, f"ListCohorts with messages built from reflection answers (position {reply.position})")

    try:
        channel.unary_unary("/cohort.v1.AdminService/WhoAmI")(b"", timeout=10)
        check(False, "a call without a token is refused")
    except grpc.RpcError as error:
        check(error.code() == grpc.StatusCode.UNAUTHENTICATED, f"a call without a token is refused ({error.code()})")

    if secret:
        webhook(info, authed, DescriptorPool(database), secret)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
