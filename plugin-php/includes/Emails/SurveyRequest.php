<?php
/**
 * E-mail: survey request.
 *
 * @package Vafa
 */

namespace Vafa\Emails;

use Vafa\Bonuses\Survey;
use Vafa\Format;

defined( 'ABSPATH' ) || exit;

/**
 * Sent for survey.requested after an order completes: a link to the survey
 * in My Account, and what answering earns.
 */
class SurveyRequest extends Email {
	const EVENT = 'survey.requested';

	/**
	 * Constructor.
	 */
	public function __construct() {
		$this->id           = 'vafa_survey_request';
		$this->title        = __( 'Vafa: survey request', 'vafa' );
		$this->description  = __( 'Sent to customers after an order is completed, asking them to rate it in My Account.', 'vafa' );
		$this->placeholders = array( '{order_number}' => '' );
		parent::__construct();
	}

	/**
	 * Only for an order.
	 *
	 * @param array<string,mixed> $event The event.
	 */
	protected function accepts( array $event ): bool {
		return (int) ( $event['data']['order_id'] ?? 0 ) > 0;
	}

	/**
	 * The order number as the store shows it.
	 */
	protected function order_number(): string {
		$id    = (int) ( $this->data()['order_id'] ?? 0 );
		$order = function_exists( 'wc_get_order' ) ? wc_get_order( $id ) : null;
		return Format::digits( $order ? (string) $order->get_order_number() : (string) $id, $this->locale );
	}

	/**
	 * The {order_number} placeholder.
	 *
	 * @return array<string,string>
	 */
	protected function more_placeholders(): array {
		return array( '{order_number}' => $this->order_number() );
	}

	/**
	 * Default subject.
	 */
	public function get_default_subject() {
		return __( 'How was your order #{order_number}?', 'vafa' );
	}

	/**
	 * Default heading.
	 */
	public function get_default_heading() {
		return __( 'Tell us how we did', 'vafa' );
	}

	/**
	 * Template variables.
	 *
	 * @return array<string,mixed>
	 */
	protected function template_args(): array {
		$program = \Vafa\Program::get();
		return array(
			'order_number' => $this->order_number(),
			'survey_url'   => Survey::url( (int) ( $this->data()['order_id'] ?? 0 ) ),
			'question'     => (string) ( $this->data()['question'] ?? '' ),
			'bonus'        => (int) ( $program['survey_points'] ?? 0 ),
		);
	}
}
