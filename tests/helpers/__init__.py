"""Helpers shared by the tests (and by the benchmarks that drive a browser):

- ``fake_chat_server``: a real chat-completions HTTP server on 127.0.0.1;
- ``cdp``: a tiny Chrome DevTools Protocol client for headless chromium;
- ``report_factory``: small reports built by hand, without a model;
- ``html_fixture``: a report whose texts try to break out of the HTML page.

Import them as ``tests.helpers.<name>``. The old top-level names
(``from fake_chat_server import ...``) still work inside the test suite: the
suite's conftest maps them here.
"""
