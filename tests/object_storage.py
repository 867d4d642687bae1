"""moto's S3 server standing in for the object storage provider: the suite's PostgreSQL pass keeps its files there
(PORTAIL_TEST_STORAGE=s3), and tests/test_object_storage.py starts one of its own."""

import logging
import socket
from urllib.parse import urlsplit

import boto3
from moto.server import ThreadedMotoServer


def answers(endpoint: str) -> bool:
    address = urlsplit(endpoint)
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((address.hostname, address.port)) == 0


def s3_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-west-3",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def s3_server(endpoint: str, buckets) -> ThreadedMotoServer | None:
    """Starts the server at this address with these buckets (private: no anonymous read), unless one answers
    there already (xdist's workers share their controller's)."""
    if answers(endpoint):
        return None
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    address = urlsplit(endpoint)
    server = ThreadedMotoServer(ip_address=address.hostname, port=address.port, verbose=False)
    server.start()
    client = s3_client(endpoint)
    for bucket in buckets:
        try:
            client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        except client.exceptions.BucketAlreadyOwnedByYou:  # moto keeps its buckets for the whole process
            pass
    return server
