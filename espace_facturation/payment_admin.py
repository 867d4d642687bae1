"""Admin screens of payments: counter payments recorded by régisseurs, online payments."""
