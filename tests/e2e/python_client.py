#!/usr/bin/python3
"""A Parley client in Python, to show the API serves any gRPC client.

Generates its stubs from api.proto, opens a payment channel from the node at
API_ADDRESS to PEER_ID, pays ten times, checks the balances, and checks that a
bad call comes back as INVALID_ARGUMENT. Prints "python client: ok" and exits 0
on success.

Usage: python_client.py PROTO_DIR API_ADDRESS PEER_ID
Needs Debian's python3-grpcio and python3-grpc-tools (scripts/setup).
"""
import sys
import tempfile
import time

import grpc
from grpc_tools import protoc


def wait_for(stub, api_pb2, channel_id, done, seconds=15):
    deadline = time.time() + seconds
    while True:
        info = stub.GetChannel(api_pb2.GetChannelRequest(channel_id=channel_id), timeout=10)
        if done(info) or time.time() > deadline:
            return info
        time.sleep(0.05)


def main():
    proto_dir, api_address, peer_id = sys.argv[1:4]
    out = tempfile.mkdtemp()
    if protoc.main(["protoc", "-I" + proto_dir, "--python_out=" + out,
                    "--grpc_python_out=" + out, proto_dir + "/parley/v1/api.proto"]) != 0:
        sys.exit("python client: protoc failed")
    sys.path.insert(0, out)
    from parley.v1 import api_pb2, api_pb2_grpc  # generated just above

    stub = api_pb2_grpc.ApiStub(grpc.insecure_channel(api_address))
    node = stub.GetInfo(api_pb2.GetInfoRequest(), timeout=10)
    opened = stub.OpenChannel(api_pb2.OpenChannelRequest(
        peer=peer_id, app="payment", my_deposit="60", peer_deposit="40",
        challenge_duration=10), timeout=10)
    info = wait_for(stub, api_pb2, opened.channel_id, lambda c: c.phase == "open")
    if info.phase != "open":
        sys.exit("python client: the channel did not open: " + info.phase)
    for _ in range(10):
        stub.Pay(api_pb2.PayRequest(channel_id=opened.channel_id, amount="2"), timeout=10)
    info = wait_for(stub, api_pb2, opened.channel_id,
                    lambda c: not c.update_in_flight and c.queued_actions == 0)
    balances = list(info.balances[0].amounts)
    if balances != ["40", "60"]:
        sys.exit("python client: unexpected balances %s" % balances)
    try:
        stub.Pay(api_pb2.PayRequest(channel_id=opened.channel_id, amount="two"), timeout=10)
        sys.exit("python client: a bad amount was accepted")
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.INVALID_ARGUMENT:
            sys.exit("python client: expected INVALID_ARGUMENT, got %s" % e.code())
    print("python client: ok; node %s, channel %s at version %d, balances %s"
          % (node.node_id[:12], info.channel_id[:12], info.version, "/".join(balances)))


if __name__ == "__main__":
    main()
