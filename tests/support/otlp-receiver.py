"""An OTLP/HTTP trace receiver for the tests: decodes what the services export with the official OTLP bindings
(opentelemetry-proto, for http/protobuf) or as OTLP/JSON (http/json), keeps every span, and serves them
back normalised at GET /spans. Prints "listening on <port>" once ready."""
import gzip
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Lock

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

KINDS = ["UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"]
spans = []
lock = Lock()


def proto_value(value):
    field = value.WhichOneof("value")
    return None if field is None else getattr(value, field)


def json_value(value):
    for key, item in value.items():
        return int(item) if key == "intValue" else item
    return None


def from_protobuf(body):
    request = ExportTraceServiceRequest.FromString(body)
    for resource_spans in request.resource_spans:
        resource = {a.key: proto_value(a.value) for a in resource_spans.resource.attributes}
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                yield {
                    "service": resource.get("service.name"),
                    "traceId": span.trace_id.hex(),
                    "spanId": span.span_id.hex(),
                    "parentSpanId": span.parent_span_id.hex() or None,
                    "name": span.name,
                    "kind": KINDS[span.kind],
                    "attributes": {a.key: proto_value(a.value) for a in span.attributes},
                    "links": [{"traceId": l.trace_id.hex(), "spanId": l.span_id.hex()} for l in span.links],
                    "status": span.status.code,
                    "protocol": "http/protobuf",
                }


def from_json(body):
    request = json.loads(body)
    for resource_spans in request.get("resourceSpans", []):
        resource = {a["key"]: json_value(a["value"]) for a in resource_spans.get("resource", {}).get("attributes", [])}
        for scope_spans in resource_spans.get("scopeSpans", []):
            for span in scope_spans.get("spans", []):
                yield {
                    "service": resource.get("service.name"),
                    "traceId": span["traceId"].lower(),
                    "spanId": span["spanId"].lower(),
                    "parentSpanId": (span.get("parentSpanId") or "").lower() or None,
                    "name": span["name"],
                    "kind": KINDS[int(span.get("kind", 0))],
                    "attributes": {a["key"]: json_value(a["value"]) for a in span.get("attributes", [])},
                    "links": [
                        {"traceId": l["traceId"].lower(), "spanId": l["spanId"].lower()} for l in span.get("links", [])
                    ],
                    "status": int(span.get("status", {}).get("code", 0)),
                    "protocol": "http/json",
                }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.read_body()
        if self.headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        content_type = self.headers.get("content-type", "")
        if self.path != "/v1/traces":
            self.send_error(404)
            return
        if content_type.startswith("application/x-protobuf"):
            received = list(from_protobuf(body))
            answer, answer_type = ExportTraceServiceResponse().SerializeToString(), "application/x-protobuf"
        elif content_type.startswith("application/json"):
            received = list(from_json(body))
            answer, answer_type = b"{}", "application/json"
        else:
            self.send_error(415)
            return
        with lock:
            spans.extend(received)
        self.send_response(200)
        self.send_header("content-type", answer_type)
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def read_body(self):
        if self.headers.get("transfer-encoding", "").lower() != "chunked":
            return self.rfile.read(int(self.headers.get("content-length", 0)))
        body = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0], 16)
            chunk = self.rfile.read(size)
            self.rfile.readline()
            if size == 0:
                return body
            body += chunk

    def do_GET(self):
        with lock:
            answer = json.dumps(spans).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"listening on {server.server_address[1]}", flush=True)
sys.stdout.flush()
server.serve_forever()
