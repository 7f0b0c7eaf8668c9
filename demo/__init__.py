"""The demo company (Northwind Analytics): a generator of vendor exports and the loader that imports them.

Kept out of the runtime package `onefunnel`: `python -m onefunnel demo` and the Data page's
"Load the demo company" button import `demo.load` only when asked to.
"""
