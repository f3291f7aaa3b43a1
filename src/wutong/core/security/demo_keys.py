"""Keys for the embedded demo only. Production refuses to start while any of these is in use.

They are public (they are in the source), so data encrypted with them is not protected.
"""

DEMO_SECRET_KEY = "wutong-demo-secret-key-not-for-production-0000000000000000"
# kid "demo1": 32 bytes, base64.
DEMO_DATA_KEYS = "demo1:ZGVtby1kYXRhLWtleS1ub3QtZm9yLXByb2R1Y3Rpb24hIQ=="
DEMO_INDEX_KEY = "ZGVtby1pbmRleC1rZXktbm90LWZvci1wcm9kdWN0aW9uIQ=="
