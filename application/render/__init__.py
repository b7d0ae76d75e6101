"""Rendering a place and its aids: one model (:mod:`.model`) read by thin writers, the app's
HTML cards (:mod:`.cards`) and the command line's plain text (:mod:`.text`)."""
