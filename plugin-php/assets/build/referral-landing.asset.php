<?php return array('dependencies' => array(), 'version' => '1c2cf09b28665bc80add');
