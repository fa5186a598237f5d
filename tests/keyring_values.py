"""The keys the test suite encrypts with: fixed, never used outside tests."""

TEST_KEYS = ("_u9hd1gHEe4q5C_t7oT0N1B1L8ZgVpQDwJ4aQhJ2S9c=",)
"""The test keyring: a fixed Fernet key, never used outside tests."""


TEST_ADDRESS_KEY = (
    "vbUeMs5qN6yuqkVnNmFEJEAsNJcAUL23CFZqW5rgO7L_SH3EvCtU6x-Wr1sPfUnHTjLhc9YdmswDmVbzmWmkbQ=="
)
"""The test address key (64 bytes, url-safe base64), never used outside tests."""
