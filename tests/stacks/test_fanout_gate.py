"""The start gate of a fan-out ``up``: one stack starts at a time, and it is through its start-up when the engine
first hears of a resource other than the stack, or when its run ends, failed or not."""

from __future__ import annotations

import threading

import pytest
from pulumi.automation.events import EngineEvent, OpType, ResourcePreEvent, StepEventMetadata

from mailfleet.stacks.fanout import StartGate
from mailfleet.stacks.project import ROOT_TYPE

DEADLINE = 10.0


def pre_event(resource_type: str) -> EngineEvent:
    urn = f"urn:pulumi:g000::mailfleet::{resource_type}::r"
    metadata = StepEventMetadata(op=OpType.SAME, urn=urn, type=resource_type, provider="")
    return EngineEvent(sequence=1, timestamp=0, resource_pre_event=ResourcePreEvent(metadata=metadata))


def second_start(gate: StartGate) -> tuple[threading.Thread, threading.Event]:
    """Another stack waiting at the gate; the event is set once it is through."""
    through = threading.Event()

    def start() -> None:
        with gate.starting():
            through.set()

    thread = threading.Thread(target=start, daemon=True)
    thread.start()
    return thread, through


def test_a_second_stack_waits_until_the_first_declares_a_resource() -> None:
    gate = StartGate()
    with gate.starting() as past_start:
        thread, through = second_start(gate)
        past_start(pre_event(ROOT_TYPE))  # the stack resource comes before the program's checks
        assert not through.wait(0.2)
        past_start(pre_event("mailfleet:index:Tenant"))
        assert through.wait(DEADLINE)
        past_start(pre_event("mailfleet:index:Tenant"))  # later events do not open it twice
    thread.join(DEADLINE)
    with gate.starting():  # and it is free again
        pass


def test_a_run_that_ends_during_its_start_up_lets_the_next_one_start() -> None:
    gate = StartGate()
    with pytest.raises(RuntimeError), gate.starting():
        thread, through = second_start(gate)
        raise RuntimeError("the program refused an invalid spec")
    assert through.wait(DEADLINE)
    thread.join(DEADLINE)
