"""The local simulator: typed utterances in, what Alexa would say out.

A development tool (``python -m skill chat|ask|replay``); the Lambda bundle
leaves it out. One job per module:

Understanding what is typed, through the interaction model Alexa gets:

- ``vocabulary``: the word lists, read once from the data files beside it
  (``vocabulary.json``, ``equivalents.json``, ``builtin_samples.json``);
- ``text``: normalising an utterance, stemming, interchangeable words made one;
- ``language_model``: a locale's samples and slot values, prepared once;
- ``matching``: the intent a normalised utterance reaches (word for word, else
  the closest sample by weighted overlap) and the polarity rule;
- ``nlu``: the ``Understander`` of a locale: invocations, one-shot requests,
  slots with entity resolution as Alexa sends them;
- ``evaluate``: the understanding's figures on a folder of corpora.

Talking to the skill:

- ``request_builder``: request envelopes shaped like Alexa's
  (``envelopes`` is its old name, kept for importers outside the simulator);
- ``session``: a ``Conversation``, one session held across turns;
- ``transports``: where envelopes go: in process, over HTTP (optionally
  signed), through the Lambda entry point;
- ``device``: the ``VirtualDevice`` that understands and sends each utterance,
  and keeps a session in a file between ``ask`` calls;
- ``name_free``: requests said without the skill's name, as Alexa routes them
  (CanFulfillIntentRequest first, the intent only on YES);
- ``screen``: the screen devices (APL) it can be, and a touch on one;
- ``replay``: dialog files (and ``ask dialog`` recordings) played and checked step by step;
- ``voice``: answers spoken (or written to a WAV file) with espeak-ng.
"""
