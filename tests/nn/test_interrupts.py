"""Ctrl-C while fit runs: noted by the handler, raised where the loop checks, never lost."""
import os
import signal
import threading

import pytest

from graphgrad.nn.interrupts import caught


def interrupt():
    os.kill(os.getpid(), signal.SIGINT)


def test_a_ctrl_c_is_noted_and_raised_at_the_next_check():
    with caught() as interrupts:
        interrupt()                              # the handler runs here, and raises nothing
        assert interrupts.pending
        with pytest.raises(KeyboardInterrupt):
            interrupts.check()
        interrupts.check()                       # raised once
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_ctrl_c_after_the_last_check_is_raised_when_the_block_ends():
    with pytest.raises(KeyboardInterrupt):
        with caught():
            interrupt()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_second_ctrl_c_stops_at_once():
    reached = []
    with pytest.raises(KeyboardInterrupt):
        with caught():
            interrupt()
            interrupt()
            reached.append(True)
    assert reached == []


def test_outside_the_main_thread_signals_are_left_alone():
    seen = []

    def train():
        with caught():
            seen.append(signal.getsignal(signal.SIGINT))
    thread = threading.Thread(target=train)
    thread.start()
    thread.join()
    assert seen == [signal.default_int_handler] and signal.getsignal(signal.SIGINT) is signal.default_int_handler
