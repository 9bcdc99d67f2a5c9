"""How work is spread, knowing no domain: the default job count (:mod:`~minent.parallel.jobs`), the
task planner shared by the local process pool and Dask (:mod:`~minent.parallel.partition`), the
dispatch of a function over chunks serially, on threads or on a cluster
(:mod:`~minent.parallel.chunks`), worker processes on this machine with an ordered map
(:mod:`~minent.parallel.processes`) and the Dask cluster itself (:mod:`~minent.parallel.dask`,
optional: ``pip install 'minent[dask]'``).
"""
