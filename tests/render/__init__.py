"""Tests of interfax_soap.render."""
