"""Adapters that run the cleaner inside other engines (optional extras).

Nothing here is imported by ``cleaner`` itself: each adapter needs its extra
installed (``pip install 'cleaner[datatrove]'``) and is imported by name.
"""
