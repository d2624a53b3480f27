"""Cooperate or Else! A role-play of the 2017 Mar-a-Lago summit, from a 38 North forecast."""

__version__ = "0.1.0"
