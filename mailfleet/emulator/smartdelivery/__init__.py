"""An emulated SmartDelivery (Smartlead's placement tests), served by the emulator under its own base URL,
``http://HOST:PORT/smartdelivery/api/v1`` (the real one is ``https://smartdelivery.smartlead.ai/api/v1``). Same API
keys as the main emulator (``?api_key=``); state in the same SQLite file, in its own table."""
