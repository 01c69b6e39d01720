"""Clients of the Azure OpenAI gateway, with the OpenAI SDK for Python.

    pip install "openai>=1.106" azure-identity

Every setting comes from the stack output ``clients.<your application>``, saved as JSON:

    pulumi stack output clients --stack prod --json | jq '."claims-assistant"' > client-settings.json
"""

import json
import os

from azure.identity import DefaultAzureCredential, get_bearer_token_provider
from openai import AzureOpenAI, OpenAI

from settings import load_settings


def _subscription_key():
    """Subscription keys: the application's key, read from the stack's Key Vault (secret ``keySecret``)."""
    key = os.environ.get("AOAI_GATEWAY_KEY")
    if not key:
        raise RuntimeError("AOAI_GATEWAY_KEY is not set: put the application's subscription key there")
    return key


def _token_provider(settings, credential):
    """Entra ID: a token for the gateway's app registration, fetched and refreshed by azure-identity."""
    if not settings.get("scope"):
        raise RuntimeError("the settings have no scope: is the gateway in Entra ID mode?")
    return get_bearer_token_provider(credential or DefaultAzureCredential(), settings["scope"])


def deployments_client(settings, credential=None):
    """``/openai/deployments/<deployment>/...?api-version=...``: AzureOpenAI puts the model in the path."""
    common = dict(
        azure_endpoint=settings["endpoint"],
        api_version=settings["apiVersion"],
        timeout=settings["timeoutSeconds"],  # seconds
        max_retries=settings["maxRetries"],
    )
    if settings["callerAuth"] == "entra":
        return AzureOpenAI(azure_ad_token_provider=_token_provider(settings, credential), **common)
    return AzureOpenAI(api_key=_subscription_key(), **common)  # sent in `api-key`


def v1_client(settings, credential=None):
    """``/openai/v1/...``: the OpenAI client with the gateway's v1 base URL; the model travels in the body."""
    common = dict(
        base_url=settings["baseUrl"],
        timeout=settings["timeoutSeconds"],
        max_retries=settings["maxRetries"],
    )
    if settings["callerAuth"] == "entra":
        # A callable api_key is refreshed before every request (openai 1.106 and later).
        return OpenAI(api_key=_token_provider(settings, credential), **common)
    # The OpenAI client also sends its key as a bearer token, which the gateway removes; it reads `api-key`.
    key = _subscription_key()
    return OpenAI(api_key=key, default_headers={settings.get("keyHeader", "api-key"): key}, **common)


def main():
    settings = load_settings()
    model = settings["deployments"][0]  # a deployment name: the model's name
    messages = [{"role": "user", "content": "Say hello"}]
    for client in (deployments_client(settings), v1_client(settings)):
        raw = client.chat.completions.with_raw_response.create(model=model, messages=messages)
        reply = raw.parse()
        print(raw.headers.get("x-gateway-region"), json.dumps(reply.choices[0].message.content))


if __name__ == "__main__":
    main()
