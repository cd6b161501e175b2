"""An outside gRPC client (Python grpcio) against a running cohortd: TLS with the development CA,
standard health, server reflection (grpcio speaks v1alpha), an RPC whose messages are built from
reflection alone, and the refusal of a call without a token. Exits non-zero on any difference.

Usage: python3 python_client.py DATA_DIR   (the data directory of the running cohortd)
"""
import json
import os
import sys

import grpc
from google.protobuf import message_factory
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


def main(data_dir):
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


if __name__ == "__main__":
    main(sys.argv[1])
