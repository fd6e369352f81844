"""Xiao'an (校安): a district education bureau's school-safety special action."""
