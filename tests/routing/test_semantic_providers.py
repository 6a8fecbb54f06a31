"""The embedding providers behind triage's interface: the bundled WordLlama model (offline,
loaded once per process) and the bag-of-words hashing provider."""

import socket

import numpy as np
import pytest

from routing.semantic import providers
from routing.semantic.hashing_provider import HashingProvider
from routing.semantic.wordllama_provider import WordLlamaProvider, bundled_files


@pytest.fixture(scope="session")
def wordllama():
    """The real model, loaded once for the whole session (the process's provider)."""
    return providers.get_provider("wordllama")


def test_the_wheel_ships_the_weights_and_the_tokenizer():
    files = bundled_files()
    assert files["weights"].is_file() and files["weights"].stat().st_size > 1_000_000
    assert files["tokenizer"].is_file()


def test_wordllama_loads_without_any_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("triage tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    provider = WordLlamaProvider()  # a fresh load, not the process's cached one
    vectors = provider.embed(["VPN keeps dropping", "printer out of toner"])
    assert vectors.shape == (2, 256)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_missing_bundled_file_is_an_error_not_a_download(monkeypatch, tmp_path):
    monkeypatch.setattr("routing.semantic.wordllama_provider.package_folder", lambda: tmp_path)
    with pytest.raises(providers.ProviderError, match="bundled files are missing"):
        WordLlamaProvider()


def test_wordllama_places_related_texts_closer(wordllama):
    ticket, network, printer = wordllama.embed(
        [
            "Cannot connect to the VPN from home",
            "Network: wifi, VPN, remote access, firewall",
            "Printers, toner, paper jams and scanners",
        ]
    )
    assert ticket @ network > ticket @ printer


def test_the_process_builds_each_provider_once(wordllama):
    assert providers.get_provider("wordllama") is wordllama
    assert providers.get_provider("hashing") is providers.get_provider("hashing")


def test_an_unknown_provider_is_refused_by_name():
    with pytest.raises(providers.ProviderError, match="Unknown triage provider 'nope'"):
        providers.get_provider("nope")


def test_the_configured_provider_is_the_settings_one(settings):
    settings.TRIAGE_PROVIDER = "hashing"
    assert providers.get_provider().name == "hashing"


def test_hashing_provider_gives_unit_rows_and_zero_for_no_words():
    vectors = HashingProvider().embed(["Outlook does not sync", "", "outlook sync broken"])
    assert vectors.shape == (3, 256)
    assert np.isclose(np.linalg.norm(vectors[0]), 1.0)
    assert not vectors[1].any()
    assert vectors[0] @ vectors[2] > 0.4
    assert HashingProvider().embed([]).shape == (0, 256)
