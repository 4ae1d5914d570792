-- Deal pipelines are records of collection 'pipeline'; every change to a deal reads them all.
CREATE INDEX records_pipelines ON records (id) WHERE collection = 'pipeline';
