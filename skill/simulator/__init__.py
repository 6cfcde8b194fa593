"""The local simulator: typed utterances in, what Alexa would say out."""
