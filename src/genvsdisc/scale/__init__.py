"""Out-of-core compare: a Parquet table read as Dask partitions, never gathered whole."""
